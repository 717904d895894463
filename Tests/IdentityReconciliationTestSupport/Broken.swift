/// The error tests give `FailingContactStore`: store errors must surface unchanged
/// (through the resolver, as conformance failures).
package struct Broken: Error, Equatable {
    package init() {}
}
