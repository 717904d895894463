/// A census of the identity graph: how many rows, links and people a store holds, how big
/// the people are, and which groups and values look like a junk value's "super cluster".
///
/// Made by ``IdentityResolver/report(top:flagGroupsOver:)`` in one scan of the store. Its
/// `Codable` form uses the property names below.
public struct GraphReport: Sendable, Hashable, Codable {
    /// Every row, live or soft-deleted.
    public var rows: Int
    /// The live rows.
    public var liveRows: Int
    /// The soft-deleted rows.
    public var deletedRows: Int
    /// The links (``ContactLink``).
    public var links: Int
    /// The people: groups of live rows, one per primary row.
    public var people: Int
    /// How many people have how many live rows, in buckets of powers of two (1, 2–3, 4–7,
    /// …), from the bucket of 1 up to the bucket of the largest group, empty buckets included;
    /// empty when there are no people.
    public var groupSizes: [SizeBucket]
    /// The largest groups, at most the `top` asked for: by live rows, most first, then by
    /// ascending primary id.
    public var largestGroups: [GroupSummary]
    /// The values that join the most, at most the `top` asked for (candidates for blocking):
    /// ranked by ``ValueSummary/weight`` (live rows holding the value plus links bridging it),
    /// highest first, then emails before phone numbers, then by the value's UTF-8 bytes. A
    /// value of weight 1 joins nothing and is never listed.
    public var topValues: [ValueSummary]
    /// The threshold of ``flaggedGroups`` and ``flaggedValues``.
    public var flagThreshold: Int
    /// Every group with more than ``flagThreshold`` live rows, in the order of ``largestGroups``.
    public var flaggedGroups: [GroupSummary]
    /// Every value whose ``ValueSummary/weight`` is over ``flagThreshold``, in the order of ``topValues``.
    public var flaggedValues: [ValueSummary]

    /// Creates a report.
    public init(
        rows: Int, liveRows: Int, deletedRows: Int, links: Int, people: Int, groupSizes: [SizeBucket],
        largestGroups: [GroupSummary], topValues: [ValueSummary], flagThreshold: Int,
        flaggedGroups: [GroupSummary], flaggedValues: [ValueSummary]
    ) {
        self.rows = rows
        self.liveRows = liveRows
        self.deletedRows = deletedRows
        self.links = links
        self.people = people
        self.groupSizes = groupSizes
        self.largestGroups = largestGroups
        self.topValues = topValues
        self.flagThreshold = flagThreshold
        self.flaggedGroups = flaggedGroups
        self.flaggedValues = flaggedValues
    }

    /// One bar of ``GraphReport/groupSizes``: the people with ``smallest`` to ``largest`` live rows.
    public struct SizeBucket: Sendable, Hashable, Codable {
        /// The fewest live rows of a group in the bucket: a power of two.
        public var smallest: Int
        /// The most live rows of a group in the bucket: twice ``smallest``, minus one.
        public var largest: Int
        /// How many groups have a size in the bucket.
        public var groups: Int

        /// Creates a bucket.
        public init(smallest: Int, largest: Int, groups: Int) {
            self.smallest = smallest
            self.largest = largest
            self.groups = groups
        }
    }

    /// One person of ``GraphReport/largestGroups`` or ``GraphReport/flaggedGroups``.
    public struct GroupSummary: Sendable, Hashable, Codable {
        /// The id of the group's primary row.
        public var primaryID: Int
        /// The group's live rows.
        public var rows: Int
        /// The distinct emails of the group's live rows.
        public var emails: Int
        /// The distinct phone numbers of the group's live rows.
        public var phoneNumbers: Int

        /// Creates a group summary.
        public init(primaryID: Int, rows: Int, emails: Int, phoneNumbers: Int) {
            self.primaryID = primaryID
            self.rows = rows
            self.emails = emails
            self.phoneNumbers = phoneNumbers
        }
    }

    /// One value of ``GraphReport/topValues`` or ``GraphReport/flaggedValues``.
    public struct ValueSummary: Sendable, Hashable, Codable {
        /// The field the value is held in.
        public var field: ContactField
        /// The normalized value.
        public var value: String
        /// The live rows holding it.
        public var rows: Int
        /// The links bridging it (whose ``ContactLink/email`` or ``ContactLink/phoneNumber`` it is).
        public var links: Int
        /// The primary id of the group of the live rows holding it; `nil` when none does.
        public var primaryID: Int?

        /// Creates a value summary.
        public init(field: ContactField, value: String, rows: Int, links: Int, primaryID: Int?) {
            self.field = field
            self.value = value
            self.rows = rows
            self.links = links
            self.primaryID = primaryID
        }

        /// How much the value joins: ``rows`` plus ``links``.
        public var weight: Int { rows + links }
    }
}
