extension WireCodec {
    /// Appends an explanation (``IdentityResolver/explain(contactID:to:)``) as one JSON object,
    /// `{"steps":[{"from":1,"to":2,"via":{"email":"…"}},…]}`, where `via` is
    /// `{"email":"…"}`, `{"phoneNumber":"…"}` or `{"link":{"email":"…","phoneNumber":"…","createdAt":"…"}}`
    /// (the link as ``appendLink(_:to:)`` writes it).
    public static func appendExplanation(_ steps: [EvidenceStep], to output: inout [UInt8]) {
        appendRaw(#"{"steps":["#, to: &output)
        for (index, step) in steps.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendRaw(#"{"from":"#, to: &output)
            appendInteger(step.from, to: &output)
            appendRaw(#","to":"#, to: &output)
            appendInteger(step.to, to: &output)
            appendRaw(#","via":"#, to: &output)
            switch step.via {
            case .email(let email):
                appendRaw(#"{"email":"#, to: &output)
                appendString(email, to: &output)
                output.append(UInt8(ascii: "}"))
            case .phoneNumber(let phoneNumber):
                appendRaw(#"{"phoneNumber":"#, to: &output)
                appendString(phoneNumber, to: &output)
                output.append(UInt8(ascii: "}"))
            case .link(let link):
                appendLink(link, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
        appendRaw("]}", to: &output)
    }

    /// Appends a ``GraphReport`` as one JSON object with its property names in declaration
    /// order: `{"rows":…,"liveRows":…,"deletedRows":…,"links":…,"people":…,"groupSizes":[{"smallest":…,"largest":…,"groups":…}],`
    /// `"largestGroups":[{"primaryID":…,"rows":…,"emails":…,"phoneNumbers":…}],`
    /// `"topValues":[{"field":"email"|"phoneNumber","value":"…","rows":…,"links":…,"primaryID":…|null}],`
    /// `"flagThreshold":…,"flaggedGroups":[…],"flaggedValues":[…]}`: what `JSONDecoder` reads
    /// back as the report.
    public static func appendReport(_ report: GraphReport, to output: inout [UInt8]) {
        appendRaw(#"{"rows":"#, to: &output)
        appendInteger(report.rows, to: &output)
        appendRaw(#","liveRows":"#, to: &output)
        appendInteger(report.liveRows, to: &output)
        appendRaw(#","deletedRows":"#, to: &output)
        appendInteger(report.deletedRows, to: &output)
        appendRaw(#","links":"#, to: &output)
        appendInteger(report.links, to: &output)
        appendRaw(#","people":"#, to: &output)
        appendInteger(report.people, to: &output)
        appendRaw(#","groupSizes":["#, to: &output)
        for (index, bucket) in report.groupSizes.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendRaw(#"{"smallest":"#, to: &output)
            appendInteger(bucket.smallest, to: &output)
            appendRaw(#","largest":"#, to: &output)
            appendInteger(bucket.largest, to: &output)
            appendRaw(#","groups":"#, to: &output)
            appendInteger(bucket.groups, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        appendRaw(#"],"largestGroups":"#, to: &output)
        appendGroups(report.largestGroups, to: &output)
        appendRaw(#","topValues":"#, to: &output)
        appendValues(report.topValues, to: &output)
        appendRaw(#","flagThreshold":"#, to: &output)
        appendInteger(report.flagThreshold, to: &output)
        appendRaw(#","flaggedGroups":"#, to: &output)
        appendGroups(report.flaggedGroups, to: &output)
        appendRaw(#","flaggedValues":"#, to: &output)
        appendValues(report.flaggedValues, to: &output)
        output.append(UInt8(ascii: "}"))
    }

    private static func appendGroups(_ groups: [GraphReport.GroupSummary], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        for (index, group) in groups.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendRaw(#"{"primaryID":"#, to: &output)
            appendInteger(group.primaryID, to: &output)
            appendRaw(#","rows":"#, to: &output)
            appendInteger(group.rows, to: &output)
            appendRaw(#","emails":"#, to: &output)
            appendInteger(group.emails, to: &output)
            appendRaw(#","phoneNumbers":"#, to: &output)
            appendInteger(group.phoneNumbers, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(UInt8(ascii: "]"))
    }

    private static func appendValues(_ values: [GraphReport.ValueSummary], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendRaw(#"{"field":"#, to: &output)
            appendString(value.field.rawValue, to: &output)
            appendRaw(#","value":"#, to: &output)
            appendString(value.value, to: &output)
            appendRaw(#","rows":"#, to: &output)
            appendInteger(value.rows, to: &output)
            appendRaw(#","links":"#, to: &output)
            appendInteger(value.links, to: &output)
            appendRaw(#","primaryID":"#, to: &output)
            if let primaryID = value.primaryID {
                appendInteger(primaryID, to: &output)
            } else {
                appendRaw("null", to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
        output.append(UInt8(ascii: "]"))
    }
}
