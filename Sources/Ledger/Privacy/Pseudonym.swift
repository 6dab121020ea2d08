import FoundationEssentials

/// A signer's name in the signed history of a pseudonymous ledger: `p-<10 hex>`, committed as
/// `p-<hex> <p-<hex>@pseudonym.invalid>`. Random, so it says nothing about the person; the
/// directory (`refs/readiness/directory`) is the only link back, and it can be erased.
public struct Pseudonym: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The domain of pseudonymous addresses: `.invalid` is reserved (RFC 2606), so no mail goes anywhere.
    public static let domain = "pseudonym.invalid"

    /// `p-<hex>`: the commit's name, the directory's file name.
    public let name: String

    /// A pseudonym from its name, or nil when `name` is not of the form `p-` and 10 lowercase hex digits.
    public init?(name: String) {
        guard name.hasPrefix("p-"), LowercaseHex.matches(name.dropFirst(2), count: 10) else { return nil }
        self.name = name
    }

    /// The pseudonym of an address `p-<hex>@pseudonym.invalid`, or nil for any other address.
    public init?(address: String) {
        let suffix = "@\(Self.domain)"
        guard address.hasSuffix(suffix) else { return nil }
        self.init(name: String(address.dropLast(suffix.count)))
    }

    /// A new random pseudonym (40 bits: collisions among a ledger's signers are negligible, and
    /// `trust add` refuses one already in the trust file anyway).
    public static func random() -> Pseudonym {
        var generator = SystemRandomNumberGenerator()
        let digits = (0..<10).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
        return Pseudonym(name: "p-\(digits)")!
    }

    /// `p-<hex>@pseudonym.invalid`: the committer e-mail and allowed-signers principal.
    public var address: String { "\(name)@\(Self.domain)" }

    /// The pseudonym's name.
    public var description: String { name }

    /// Orders by name.
    public static func < (left: Pseudonym, right: Pseudonym) -> Bool { left.name < right.name }
}
