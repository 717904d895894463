import IdentityReconciliation

// The task's official examples: two orders share a phone number, then two people turn out to be one.
let resolver = IdentityResolver(store: InMemoryContactStore())
let requests = [
    ("lorraine@hillvalley.edu", "123456"), ("mcfly@hillvalley.edu", "123456"),
    ("george@hillvalley.edu", "919191"), ("biffsucks@hillvalley.edu", "717171"),
    ("george@hillvalley.edu", "717171"),
]
for (email, phoneNumber) in requests {
    let result = try await resolver.identify(email: email, phoneNumber: phoneNumber)
    let contact = result.contact
    print(contact.primaryContactID, contact.emails, contact.phoneNumbers, contact.secondaryContactIDs, result.outcome)
}
