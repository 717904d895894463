/// A scenario of ``ContactStoreConformance`` that failed.
public struct ConformanceFailure: Error, Hashable, CustomStringConvertible {
    /// The scenario's name.
    public var scenario: String
    /// What went wrong.
    public var message: String

    /// Creates a failure.
    public init(scenario: String, message: String) {
        self.scenario = scenario
        self.message = message
    }

    /// `conformance scenario '<name>' failed: <message>`.
    public var description: String { "conformance scenario '\(scenario)' failed: \(message)" }
}
