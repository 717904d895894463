import IdentityReconciliation

/// A ``GraphReport`` as text for a person at a terminal: the counts, then one aligned table
/// per list.
enum ReportTable {
    /// The report's text, ending with a newline.
    static func render(_ report: GraphReport) -> String {
        var text = """
            rows     \(report.rows) (\(report.liveRows) live, \(report.deletedRows) deleted)
            links    \(report.links)
            people   \(report.people)

            """
        if !report.groupSizes.isEmpty {
            text += "\ngroup sizes\n"
            text += table(
                ["rows", "people"],
                report.groupSizes.map { bucket in
                    let range =
                        bucket.smallest == bucket.largest
                        ? "\(bucket.smallest)" : "\(bucket.smallest)–\(bucket.largest)"
                    return [range, "\(bucket.groups)"]
                })
        }
        if !report.largestGroups.isEmpty {
            text += "\nlargest groups\n" + groups(report.largestGroups)
        }
        if !report.topValues.isEmpty {
            text += "\nvalues joining the most (rows holding them + links bridging them)\n" + values(report.topValues)
        }
        text += "\nflagged over \(report.flagThreshold): "
        text += "\(report.flaggedGroups.count) group(s), \(report.flaggedValues.count) value(s)\n"
        if !report.flaggedGroups.isEmpty { text += groups(report.flaggedGroups) }
        if !report.flaggedValues.isEmpty { text += values(report.flaggedValues) }
        return text
    }

    private static func groups(_ groups: [GraphReport.GroupSummary]) -> String {
        table(
            ["primary id", "rows", "emails", "phone numbers"],
            groups.map { ["\($0.primaryID)", "\($0.rows)", "\($0.emails)", "\($0.phoneNumbers)"] })
    }

    private static func values(_ values: [GraphReport.ValueSummary]) -> String {
        table(
            ["field", "value", "rows", "links", "primary id"],
            values.map {
                [$0.field.rawValue, $0.value, "\($0.rows)", "\($0.links)", $0.primaryID.map { "\($0)" } ?? "-"]
            })
    }

    /// Columns padded to their widest cell, two spaces apart, indented by two.
    private static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { cells in
            let padded = cells.indices.map { column in
                column == cells.count - 1
                    ? cells[column]
                    : cells[column] + String(repeating: " ", count: widths[column] - cells[column].count)
            }
            return "  " + padded.joined(separator: "  ") + "\n"
        }
        .joined()
    }
}
