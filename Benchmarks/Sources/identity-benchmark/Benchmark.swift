import Foundation

/// One full benchmark run: the durable-write probe, every workload on every target at each
/// concurrency level, then the file store's storage figures.
struct Benchmark {
    var options: Options
    var directory: String

    func run() async throws -> Report {
        var report = Report(
            machine: Machine.current(), quick: options.quick, seed: options.seed, requests: options.requests,
            durableRequests: min(options.requests, options.durableRequests))

        if options.probeIterations > 0 {
            progress("durable-write probe (\(options.probeIterations) iterations)…")
            report.probe = try DurableWriteProbe(directory: directory, iterations: options.probeIterations).run()
        }

        var unavailable: Set<Target> = []
        let postgresTargets = options.targets.filter(\.isPostgres)
        if !postgresTargets.isEmpty || !options.existingRows.isEmpty {
            do {
                let server = try await PostgresTarget.server()
                progress(server.summary)
                report.postgresServer = server
            } catch let error as TargetUnavailable {
                report.notes.append(error.description)
                unavailable.formUnion([.postgres, .postgresReference])
            }
        }
        for kind in options.workloads {
            // Generated before any timing; one instance per scale, shared by the targets.
            var instances: [Int: Workload] = [:]
            for target in options.targets where !unavailable.contains(target) {
                let size = options.size(of: kind, durable: target.syncsEveryCommit)
                if instances[size] == nil {
                    progress("generating \(kind.rawValue) (\(size))…")
                    instances[size] = Workload.make(kind, requests: size, seed: options.seed)
                    report.workloads["\(kind.rawValue) \(size)"] = instances[size]!.summary
                }
                let workload = instances[size]!
                for tasks in options.taskLevels(for: kind) {
                    progress("\(kind.rawValue) on \(target.rawValue) with \(tasks) task(s)…")
                    do {
                        let result = try await Runner(directory: directory).run(workload, on: target, tasks: tasks)
                        progress(
                            "  \(Report.format(result.identifiesPerSecond)) identify/s, "
                                + "p99 \(Report.format(result.p99Microseconds)) µs")
                        report.runs.append(result)
                        // Keep what is measured so far: a full run on a busy machine takes long.
                        if let path = options.jsonPath { try report.write(to: path) }
                    } catch let error as TargetUnavailable {
                        report.notes.append(error.description)
                        unavailable.insert(target)
                        break
                    }
                }
            }
        }

        // The store's cost against the size of the table: the orders stream on a table that
        // already holds this many rows.
        if !unavailable.contains(.postgres) {
            let size = options.size(of: .orders, durable: true)
            for rows in options.existingRows {
                progress("generating orders (\(size)) on \(rows) existing rows…")
                let workload = Workload.withExistingRows(
                    rows, Workload.make(.orders, requests: size, seed: options.seed))
                let tasks = options.existingRowsTasks
                progress("orders on postgres with \(rows) existing rows, \(tasks) task(s)…")
                let result = try await Runner(directory: directory).run(workload, on: .postgres, tasks: tasks)
                progress("  \(Report.format(result.identifiesPerSecond)) identify/s")
                report.existingRowsRuns.append(result)
                if let path = options.jsonPath { try report.write(to: path) }
            }
        }

        if options.storage && options.targets.contains(where: \.isFileStore) {
            do {
                progress("file store storage figures (\(options.reopenContacts) contacts)…")
                report.storage = try await FileStoreTargets.storageFigures(
                    contacts: options.reopenContacts, seed: options.seed, directory: directory)
                progress("merge growth (k = 10 and \(options.mergeGroup))…")
                report.mergeGrowth = try await FileStoreTargets.mergeGrowth(
                    groupSizes: [10, options.mergeGroup], directory: directory)
            } catch let error as TargetUnavailable {
                report.notes.append("storage figures: \(error.description)")
            }
            let sizes = options.quick ? [1_000, 10_000] : [10_000, options.reopenContacts]
            progress("corrections (\(sizes.map(String.init).joined(separator: " and ")) contacts)…")
            report.corrections = try await CorrectionFigures.measure(
                sizes: sizes, eraseContacts: options.reopenContacts, directory: directory)
        }
        report.computeRatios()
        report.checkGoals()
        if report.machine.loadAverage.split(separator: " ").first.flatMap({ Double($0) }).map({
            $0 > Double(report.machine.processors)
        }) == true {
            report.notes.append(
                "the machine was loaded by other work at the start (load average \(report.machine.loadAverage) "
                    + "on \(report.machine.processors) CPUs): compare ratios, not absolute rates")
        }
        return report
    }
}
