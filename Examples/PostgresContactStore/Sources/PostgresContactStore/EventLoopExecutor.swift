import NIOCore

/// A connection's event loop as a task executor: a session's worker prefers it (see
/// ``ConnectionSession``), so its steps run on the loop's thread.
///
/// PostgresNIO 1.33.2 never answers a statement written to a closed channel, and its
/// connection closes on the loop's thread (when the server or the store ends it). Off the
/// loop, a connection found open could close before the statement's write reached the loop;
/// on it, nothing runs between the check and the write, which PostgresNIO makes at once
/// when called on the loop.
final class EventLoopExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
