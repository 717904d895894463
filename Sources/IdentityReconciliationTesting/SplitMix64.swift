/// A small, seeded, reproducible random number generator for generating test workloads.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator; the same seed always gives the same sequence.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// A random request over small alphabets (`e<N>@x.io`, `<N>`), so values collide
    /// often: about 40% of requests carry both fields, 30% only an email, 30% only a phone.
    public mutating func request(emails: Int, phones: Int) -> (email: String?, phoneNumber: String?) {
        let email = "e\(Int.random(in: 0..<emails, using: &self))@x.io"
        let phone = "\(Int.random(in: 0..<phones, using: &self))"
        return request(email: email, phoneNumber: phone)
    }

    /// Both values (40%), the email only (30%) or the phone number only (30%).
    package mutating func request(email: String, phoneNumber: String) -> (email: String?, phoneNumber: String?) {
        switch Int.random(in: 0..<10, using: &self) {
        case 0..<4: (email, phoneNumber)
        case 4..<7: (email, nil)
        default: (nil, phoneNumber)
        }
    }
}
