import IdentityReconciliation

let resolver = IdentityResolver(store: InMemoryContactStore())
let first = try await resolver.identify(email: "lorraine@hillvalley.edu", phoneNumber: "123456")
let second = try await resolver.identify(email: "mcfly@hillvalley.edu", phoneNumber: "123456")
print(first.outcome, second.outcome)
print(second.contact.emails)  // ["lorraine@hillvalley.edu", "mcfly@hillvalley.edu"]
