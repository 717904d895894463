import Foundation

/// The command line.
struct Options: Sendable {
    var quick = false
    var selfTest = false
    var workloads: [Workload.Kind] = Workload.Kind.allCases
    var targets: [Target] = Target.allCases
    /// Tasks for the `orders` workload; the other workloads run with one task unless `--tasks` is given.
    var tasks: [Int] = [1, 8, 64]
    var tasksGiven = false
    var requests = 1_000_000
    var durableRequests = 20_000
    var reopenContacts = 1_000_000
    var mergeGroup = 10_000
    var probeIterations = 2_000
    var seed: UInt64 = 42
    var directory: String?
    var jsonPath: String?
    var storage = true
    /// Sizes of the table (rows already in it) on which the `postgres` target runs the
    /// orders stream once more, to show its cost against the table's size (`--existing-rows`).
    var existingRows: [Int] = []
    /// Tasks of those runs.
    var existingRowsTasks = 8
    /// `--drive`: identify the `orders` requests against this store for an instruction count,
    /// instead of measuring (see ``InstructionDriver``).
    var drive: InstructionDriver.Store?

    static let usage = """
        USAGE: identity-benchmark [options]

        Measures identify throughput, latency, memory and file size of each store beside a
        plain SQLite baseline, and the machine's cheapest durable write, in one run.

        OPTIONS:
          --quick                    Everything small (under a minute); what CI runs.
          --self-test                Run the test kit's conformance check on the benchmark's own
                                     stores and the merge-growth check, then exit (non-zero on failure).
          --workload LIST            Comma-separated: orders,merges,dense,star (default: all).
          --target LIST              Comma-separated: memory,file-immediate,file-grouped,file-deferred,
                                     sqlite-full,sqlite-normal,postgres,postgres-reference (default:
                                     all; the postgres ones only when a server is given, see
                                     ENVIRONMENT). postgres-reference is a reference, not a store: the
                                     same rules as one PL/pgSQL call per identify.
          --tasks LIST               Concurrent callers, comma-separated (default: 1,8,64 for orders,
                                     1 for the other workloads).
          --requests N               Size of the orders and dense workloads (default 1000000; the
                                     merges and star shapes derive from it, divided by 10).
          --durable-requests N       Size used instead of --requests by the targets that sync every
                                     commit (file-immediate, file-grouped, sqlite-full, postgres,
                                     postgres-reference; default 20000).
          --reopen-contacts N        Rows in the store built for the reopen and compaction figures
                                     (default 1000000).
          --no-storage               Skip the reopen, compaction and merge-growth figures.
          --existing-rows LIST       Also run orders (the durable size) on the postgres target after
                                     loading this many rows, comma-separated (e.g. 10000,1000000);
                                     with --existing-rows-tasks N callers (default 8).
          --existing-rows-tasks N    Callers of the --existing-rows runs (default 8).
          --probe-iterations N       Writes in each durable-write probe loop (default 2000; 0 skips it).
          --seed N                   Workload seed (default 42).
          --dir PATH                 Where stores are created (default: a new directory under /var/tmp;
                                     must be on the disk being measured, not tmpfs).
          --json PATH                Also write the results as JSON.
          --drive STORE              Only identify the orders requests (--requests, --seed) one
                                     after another against a new store (memory, file-deferred), or
                                     only generate them (none), and print a checksum: for counting
                                     instructions under valgrind (Documentation/Performance.md).
          -h, --help                 Show this help.

        ENVIRONMENT:
          PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE
                                     The PostgreSQL server of the postgres target, as for psql and the
                                     store's tests. Each run creates its own schema there and drops it
                                     afterwards. Without any of PGHOST, PGPORT, PGUSER, PGDATABASE the
                                     target is skipped (noted in the report). scripts/bench.sh starts a
                                     throwaway server and sets them.
        """

    struct UsageError: Error, Equatable, CustomStringConvertible {
        var message: String
        var description: String { message + "\n\n" + Options.usage }
    }

    init(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        func value(_ name: String) throws -> String {
            guard let value = iterator.next() else { throw UsageError(message: "\(name) needs a value") }
            return value
        }
        func number(_ name: String) throws -> Int {
            let text = try value(name)
            guard let number = Int(text), number > 0 else {
                throw UsageError(message: "\(name) needs a positive integer, got '\(text)'")
            }
            return number
        }
        func list<T: RawRepresentable>(_ name: String, _: T.Type) throws -> [T] where T.RawValue == String {
            try value(name).split(separator: ",").map { item in
                guard let parsed = T(rawValue: String(item)) else {
                    throw UsageError(message: "\(name): unknown value '\(item)'")
                }
                return parsed
            }
        }
        var requestsGiven = false
        var durableGiven = false
        var reopenGiven = false
        var probeGiven = false
        while let argument = iterator.next() {
            switch argument {
            case "--quick": quick = true
            case "--self-test": selfTest = true
            case "--workload": workloads = try list(argument, Workload.Kind.self)
            case "--target": targets = try list(argument, Target.self)
            case "--tasks":
                tasks = try value(argument).split(separator: ",").map { item in
                    guard let count = Int(item), count > 0 else {
                        throw UsageError(message: "--tasks: not a positive integer: '\(item)'")
                    }
                    return count
                }
                tasksGiven = true
            case "--requests":
                requests = try number(argument)
                requestsGiven = true
            case "--durable-requests":
                durableRequests = try number(argument)
                durableGiven = true
            case "--reopen-contacts":
                reopenContacts = try number(argument)
                reopenGiven = true
            case "--no-storage": storage = false
            case "--existing-rows":
                existingRows = try value(argument).split(separator: ",").map { item in
                    guard let count = Int(item), count > 0 else {
                        throw UsageError(message: "--existing-rows: not a positive integer: '\(item)'")
                    }
                    return count
                }
            case "--existing-rows-tasks": existingRowsTasks = try number(argument)
            case "--probe-iterations":
                let text = try value(argument)
                guard let count = Int(text), count >= 0 else {
                    throw UsageError(message: "--probe-iterations needs a count ≥ 0, got '\(text)'")
                }
                probeIterations = count
                probeGiven = true
            case "--seed": seed = UInt64(try number(argument))
            case "--dir": directory = try value(argument)
            case "--json": jsonPath = try value(argument)
            case "--drive":
                let name = try value(argument)
                guard let store = InstructionDriver.Store(rawValue: name) else {
                    throw UsageError(message: "--drive: unknown store '\(name)'")
                }
                drive = store
            case "-h", "--help": throw UsageError(message: "identity-benchmark")
            default: throw UsageError(message: "unknown option '\(argument)'")
            }
        }
        if quick {
            if !requestsGiven { requests = 20_000 }
            if !durableGiven { durableRequests = 300 }
            if !reopenGiven { reopenContacts = 20_000 }
            mergeGroup = 1_000
            if !probeGiven { probeIterations = 200 }
        }
    }

    /// The size knob for one workload (see ``Workload/make(_:requests:seed:)``): `--requests`
    /// for targets that do not sync every commit, at most `--durable-requests` for those that do.
    func size(of workload: Workload.Kind, durable: Bool) -> Int {
        let requests = durable ? min(self.requests, durableRequests) : self.requests
        switch workload {
        case .orders, .dense: return requests
        case .merges, .star: return max(100, requests / 10)
        }
    }

    /// The concurrency levels for one workload.
    func taskLevels(for workload: Workload.Kind) -> [Int] {
        workload == .orders || tasksGiven ? tasks : [1]
    }
}
