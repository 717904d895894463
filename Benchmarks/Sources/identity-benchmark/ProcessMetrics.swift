#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's memory as Linux reports it in `/proc/self/status`.
enum ProcessMetrics {
    /// Current resident set size in bytes (`VmRSS`), or 0 where `/proc` is missing.
    static func residentBytes() -> Int { statusField("VmRSS:") }

    /// Peak resident set size in bytes since start or the last ``resetPeak()`` (`VmHWM`).
    static func peakResidentBytes() -> Int { statusField("VmHWM:") }

    /// CPU time (user + system) the process has used, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Returns freed heap memory to the system, so RSS counts live memory only.
    static func trimHeap() {
        #if canImport(Glibc)
        // glibc's `malloc_trim` is not in the Glibc module map; look it up at run time.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            typealias MallocTrim = @convention(c) (Int) -> Int32
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        #endif
    }

    /// Trims the heap and resets the peak to the current RSS (writing `5` to
    /// `/proc/self/clear_refs`), so that the next target's peak is its own.
    static func resetPeak() {
        trimHeap()
        let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = "5".withCString { write(fd, $0, 1) }
        close(fd)
    }

    private static func statusField(_ name: String) -> Int {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return 0 }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}
