#if IDENTITY_RECONCILIATION_TSAN
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The built-in stores' lock in builds for ThreadSanitizer (compiled with
/// `-D IDENTITY_RECONCILIATION_TSAN`): a `pthread_mutex_t`, whose lock and unlock the
/// sanitizer intercepts, so that it sees the order the lock imposes. `Synchronization.Mutex`
/// waits on futexes the sanitizer does not see, and every access it guards would be reported
/// as a race. Same interface as `Mutex`, for the uses the stores make of it.
package final class StoreLock<Value>: @unchecked Sendable {
    // Unchecked: `value` is read and written only inside `withLock`, between the lock and the
    // unlock of `mutex`, which is allocated once and never moves.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    package init(_ value: consuming sending Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    package func withLock<Result, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
#else
import Synchronization

/// The lock of the built-in stores and of the test kit: `Synchronization.Mutex`, except in
/// builds for ThreadSanitizer (`-D IDENTITY_RECONCILIATION_TSAN`, see `scripts/tsan.sh`),
/// where it is a `pthread_mutex_t` the sanitizer understands.
package typealias StoreLock<Value: ~Copyable> = Mutex<Value>
#endif
