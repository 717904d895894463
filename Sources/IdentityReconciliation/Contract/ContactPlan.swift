/// What one transaction writes: a list of primitive ``ContactWrite``s, applied in order.
///
/// The rules decide a plan as a pure function of the rows a transaction read
/// (``ReconciliationRules/decide(email:phoneNumber:matched:now:)`` for identify); the
/// library checks it against those rows (``checked(against:)``) and hands the store the
/// ``CheckedContactPlan`` to persist. An empty plan writes nothing.
public struct ContactPlan: Sendable, Hashable {
    /// The writes, in the order they apply.
    public var writes: [ContactWrite]

    /// Creates a plan.
    public init(_ writes: [ContactWrite] = []) {
        self.writes = writes
    }

    /// Whether the plan writes nothing.
    public var isEmpty: Bool { writes.isEmpty }
}

extension ContactPlan: CustomStringConvertible {
    /// The writes, one after the other.
    public var description: String {
        writes.isEmpty ? "an empty plan" : writes.map { "\($0)" }.joined(separator: ", ")
    }
}

extension ContactPlan {
    /// Every contact id the writes name, each once, in order of first mention.
    var contactIDs: [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(2 * writes.count)
        func add(_ id: Int?) {
            if let id, !ids.contains(id) { ids.append(id) }
        }
        for write in writes {
            switch write {
            case .insert(_, _, let linkedId, _): add(linkedId)
            case .relinkGroup(let primaryID, let survivorID, _):
                add(primaryID)
                add(survivorID)
            case .setLink(let contactID, let linkedId, _):
                add(contactID)
                add(linkedId)
            case .delete(let contactID, _), .clearValues(let contactID, _, _, _): add(contactID)
            case .addLink, .removeLink: break
            }
        }
        return ids
    }

    /// Whether a write clears values: their bytes must then leave a file that still holds them.
    var clearsValues: Bool {
        writes.contains { if case .clearValues = $0 { true } else { false } }
    }

    /// The values of the links the writes add or remove.
    var linkValues: (emails: [String], phoneNumbers: [String]) {
        var result: (emails: [String], phoneNumbers: [String]) = ([], [])
        for write in writes {
            if case .addLink(let link) = write {
                result.emails.append(link.email)
                result.phoneNumbers.append(link.phoneNumber)
            } else if case .removeLink(let link) = write {
                result.emails.append(link.email)
                result.phoneNumbers.append(link.phoneNumber)
            }
        }
        return result
    }
}
