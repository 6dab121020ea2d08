import FoundationEssentials

/// `erasures/<pseudonym>.json` in the signed history: the record that a person's directory
/// entry and texts were erased. It names only pseudonyms: who was erased, who ordered it
/// (an admin), when, why (sealed, like every free text), and which text commitments went,
/// so `verify` can tell an erased text from a missing one.
public struct ErasureRecord: Codable, Equatable, Sendable {
    /// The action of an erasure commit.
    public static let action = "erase"
    /// The folder of erasure records.
    public static let folder = "erasures"

    /// The erased pseudonym (`p-<hex>`).
    public var pseudonym: String
    /// Who ordered it: the committer (an admin).
    public var by: Person
    /// When, ISO 8601 UTC; equals the commit's committer time.
    public var at: String
    /// Why, as a sealed commitment (`sealed:sha256:…`); the text is in the directory.
    public var reason: String
    /// The commitments of the texts erased with the person.
    public var texts: [String]

    /// The path of `pseudonym`'s erasure record.
    public static func path(of pseudonym: Pseudonym) -> String { "\(folder)/\(pseudonym.name).json" }

    /// The pseudonym an erasure record's path names, or nil for any other path.
    static func pseudonym(atPath path: String) -> Pseudonym? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == Substring(folder), parts[1].hasSuffix(".json") else { return nil }
        return Pseudonym(name: String(parts[1].dropLast(5)))
    }
}
