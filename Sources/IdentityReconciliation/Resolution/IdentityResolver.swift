/// The front end: identifies people across requests that share an email or a phone number.
///
/// ```swift
/// let resolver = IdentityResolver(store: InMemoryContactStore())
/// let result = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
/// print(result.contact.primaryContactID)  // 1
/// ```
///
/// The resolver normalizes input with its ``NormalizationPolicy``, asks its
/// ``ContactStore`` to run one transaction in which ``ReconciliationRules`` decide the
/// write, and consolidates the resulting group. It holds no state of its own: share one
/// resolver (or many over the same store) between any number of tasks; the store's
/// transactions make concurrent identifies linearizable.
public struct IdentityResolver<Store: ContactStore>: Sendable {
    /// The store the resolver reads and writes.
    public let store: Store
    /// How raw emails and phone numbers become stored values.
    public let policy: any NormalizationPolicy
    /// Where `createdAt` and `updatedAt` come from.
    public let clock: any ContactClock
    /// The values identify ignores and the limits per person it keeps; ``GraphProtection/none``
    /// unless given.
    public let protection: GraphProtection
    /// `protection` prepared for `policy`; `nil` when it changes nothing, which keeps the
    /// unprotected identify as it was.
    private let preparedProtection: ResolverProtection?

    /// Creates a resolver.
    ///
    /// - Parameters:
    ///   - store: Where rows live.
    ///   - policy: The input policy; ``StandardNormalizationPolicy`` by default. Use the same
    ///     policy for every resolver over one store, or equal values stop matching.
    ///   - clock: The timestamp source; the system clock by default.
    ///   - protection: The blocked values and the limits per person (see ``GraphProtection``);
    ///     ``GraphProtection/none`` by default, which changes nothing. Like the policy, use
    ///     the same protection for every resolver over one store.
    public init(
        store: Store,
        policy: some NormalizationPolicy = .standard,
        clock: some ContactClock = .system,
        protection: GraphProtection = .none
    ) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.protection = protection
        self.preparedProtection = ResolverProtection.make(protection, policy: policy)
    }

    /// Identifies the person behind an email and/or a phone number, creating, linking or
    /// merging rows as ``ReconciliationRules`` decide.
    ///
    /// Repeating a request is idempotent: once its values are known, it writes nothing.
    ///
    /// Under a ``protection``, a blocked value is left out before anything is read, and a
    /// request that would make a person exceed a ``GroupLimits`` limit is decided again,
    /// in the same transaction, without its lower-priority field;
    /// ``Identification/ignored`` lists what was left out and why.
    ///
    /// Safe to call from any number of tasks at once: each call is one transaction of the
    /// store, so concurrent calls are linearizable (never two primaries for one person,
    /// never a lost merge). When it returns, the change is as durable as the store
    /// promises (see ``ContactStore``).
    ///
    /// - Returns: The consolidated contact and what the call wrote.
    /// - Throws: ``InputError`` when the input is refused (nothing is read or written),
    ///   ``InputError/allValuesBlocked(_:)`` when every value given is blocked; the store's
    ///   error when its transaction fails (nothing is written).
    public func identify(email: String?, phoneNumber: String?) async throws -> Identification {
        if let preparedProtection {
            return try await identify(email: email, phoneNumber: phoneNumber, protection: preparedProtection)
        }
        let email = try TextRules.email(email, policy: policy)
        let phoneNumber = try TextRules.phoneNumber(phoneNumber, policy: policy)
        guard email != nil || phoneNumber != nil else { throw InputError.missingEmailAndPhoneNumber }
        let clock = self.clock
        // What `store.commit(reading:decide:)` does, written out: an async call less per
        // identify is a measurable share of an in-memory one.
        let selection = ContactSelection.matching(email: email, phoneNumber: phoneNumber)
        let receipt = try await store.transaction(reading: selection) { selected in
            // Reading the clock inside the transaction keeps timestamps in commit order.
            try ReconciliationRules.decide(
                email: selection.email, phoneNumber: selection.phoneNumber, matched: selected.rows, now: clock.now()
            ).checked(against: selected)
        }
        return try Self.identification(of: receipt)
    }

    /// Identifies the person behind a decoded request body.
    ///
    /// - Throws: As ``identify(email:phoneNumber:)``.
    public func identify(_ request: IdentifyRequest) async throws -> Identification {
        try await identify(email: request.email, phoneNumber: request.phoneNumber)
    }

    /// The consolidated contact of the group containing the live row `id`. Writes nothing.
    ///
    /// - Returns: The contact, or `nil` when no live row has this id.
    /// - Throws: The store's error; ``ContactStoreError/contractViolation(_:)`` when the store
    ///   read something other than one group holding the id.
    public func contact(id: Int) async throws -> ConsolidatedContact? {
        try await lookup(.group(containingContactID: id))
    }

    /// The consolidated contact of the person with this email. Writes nothing.
    ///
    /// - Returns: The contact, or `nil` when no live row has the normalized email (or it is blank).
    /// - Throws: ``InputError/invalidEmail(reason:)`` when the policy refuses it; the store's
    ///   error; ``ContactStoreError/contractViolation(_:)`` as ``contact(id:)``.
    public func contact(email: String) async throws -> ConsolidatedContact? {
        guard let email = try TextRules.email(email, policy: policy) else { return nil }
        return try await lookup(.matching(email: email, phoneNumber: nil))
    }

    /// The consolidated contact of the person with this phone number. Writes nothing.
    ///
    /// - Returns: The contact, or `nil` when no live row has the normalized phone number (or it is blank).
    /// - Throws: ``InputError/invalidPhoneNumber(reason:)`` when the policy refuses it; the
    ///   store's error; ``ContactStoreError/contractViolation(_:)`` as ``contact(id:)``.
    public func contact(phoneNumber: String) async throws -> ConsolidatedContact? {
        guard let phoneNumber = try TextRules.phoneNumber(phoneNumber, policy: policy) else { return nil }
        return try await lookup(.matching(email: nil, phoneNumber: phoneNumber))
    }

    /// The consolidated group a lookup's selection reads, once its shape is checked
    /// (``SelectedContacts/checkLookup(of:)``).
    private func lookup(_ selection: ContactSelection) async throws -> ConsolidatedContact? {
        let selected = try await store.read(selection)
        try selected.checkLookup(of: selection)
        return ReconciliationRules.consolidate(selected.rows)
    }

    /// One page of rows in ascending id order, including soft-deleted rows. Writes nothing.
    ///
    /// - Parameters:
    ///   - afterID: Only rows with a greater id; `0` starts at the beginning.
    ///   - limit: The page size.
    /// - Throws: The store's error.
    public func contacts(afterID: Int = 0, limit: Int) async throws -> [Contact] {
        try await store.contacts(afterID: afterID, limit: limit)
    }

    /// Every row in ascending id order, including soft-deleted rows. Writes nothing.
    ///
    /// Reads page by page until a page comes back empty; with concurrent writers the pages
    /// are each consistent, the whole list is not one snapshot.
    ///
    /// - Throws: The store's error; ``ContactStoreError/contractViolation(_:)`` when a page
    ///   repeats a row or goes backwards, which would otherwise make the reading loop forever.
    public func allContacts() async throws -> [Contact] {
        var result: [Contact] = []
        try await forEachContact { result.append($0) }
        return result
    }

    /// Every link in ascending order (see ``ContactLink/<(_:_:)``). Writes nothing.
    ///
    /// - Throws: The store's error; ``ContactStoreError/contractViolation(_:)`` when a page
    ///   repeats a link or goes backwards.
    public func allLinks() async throws -> [ContactLink] {
        var result: [ContactLink] = []
        try await forEachLink { result.append($0) }
        return result
    }

    /// Calls `body` with every row in ascending id order, reading page by page until a page
    /// comes back empty, so that a scan never holds more than one page of the store.
    ///
    /// - Throws: The store's error; ``ContactStoreError/contractViolation(_:)`` when a row
    ///   does not come after the one before it, which would otherwise make the reading loop
    ///   forever.
    func forEachContact(_ body: (Contact) throws -> Void) async throws {
        let pageSize = 10_000
        var afterID = 0
        while true {
            let page = try await store.contacts(afterID: afterID, limit: pageSize)
            var previous = afterID
            for row in page {
                guard row.id > previous else {
                    throw ContactStoreError.contractViolation(
                        "contacts(afterID: \(afterID), limit: \(pageSize)) returned contact \(row.id), out of order or again"
                    )
                }
                previous = row.id
                try body(row)
            }
            guard let last = page.last else { return }
            afterID = last.id
        }
    }

    /// Calls `body` with every link in ascending order, page by page (see ``forEachContact(_:)``).
    ///
    /// - Throws: The store's error; ``ContactStoreError/contractViolation(_:)`` when a link
    ///   does not come after the one before it.
    func forEachLink(_ body: (ContactLink) throws -> Void) async throws {
        let pageSize = 10_000
        var after: ContactLink?
        while true {
            let page = try await store.links(after: after, limit: pageSize)
            var previous = after
            for link in page {
                if let previous, link <= previous {
                    throw ContactStoreError.contractViolation(
                        "links(after:limit:) returned the link \(link.email.debugDescription) – "
                            + "\(link.phoneNumber.debugDescription) out of order or again")
                }
                previous = link
                try body(link)
            }
            guard let last = page.last else { return }
            after = last
        }
    }

    /// The answer to an identify, from what its transaction did: the rows it read as they
    /// are after the plan, and the row it inserted, taken as they are (see
    /// ``ContactCommit`` for the general case, which collects them into one array).
    static func identification(of receipt: consuming ContactStoreReceipt) throws -> Identification {
        try receipt.checkInsertedIDs()
        let outcome: Identification.Outcome
        let contact: ConsolidatedContact?
        // `receipt.plan` is read in place: a copy of the checked plan retains and releases
        // each of its arrays.
        switch receipt.plan.plan.writes.first {
        case .insert(let email, let phoneNumber, let linkedId, let createdAt)?:
            let id = receipt.insertedIDs[0]
            outcome = linkedId == nil ? .createdPrimary(contactID: id) : .createdSecondary(contactID: id)
            contact = ReconciliationRules.consolidate(
                group(ofPrimary: linkedId ?? id, in: receipt.plan.rowsAfter),
                adding: Contact(
                    inserted: id, email: email, phoneNumber: phoneNumber, linkedId: linkedId, createdAt: createdAt))
        case .relinkGroup(let demotedID, let survivorID, _)?:
            outcome = .merged(primaryID: survivorID, demotedPrimaryID: demotedID)
            contact = ReconciliationRules.consolidate(group(ofPrimary: survivorID, in: receipt.plan.rowsAfter))
        default:
            outcome = .unchanged
            let rows = receipt.plan.rowsAfter
            contact =
                rows.isEmpty ? nil : ReconciliationRules.consolidate(group(ofPrimary: rows[0].primaryID, in: rows))
        }
        // The rules leave the request's values on live rows of one group, unless the store's
        // read returned rows that do not hold what they were selected by.
        guard let contact else {
            throw ContactStoreError.contractViolation("the rows read for the request hold neither of its values")
        }
        return Identification(contact: contact, outcome: outcome)
    }

    /// The live rows of `rows` whose group's primary is `primaryID`.
    static func group(ofPrimary primaryID: Int, in rows: [Contact]) -> [Contact] {
        // An identify's rows are its group (it read the groups it matched, and its plan
        // leaves them one): the common case costs one pass and no copy.
        if rows.allSatisfy({ $0.isLive && $0.primaryID == primaryID }) { return rows }
        return rows.filter { $0.isLive && $0.primaryID == primaryID }
    }
}
