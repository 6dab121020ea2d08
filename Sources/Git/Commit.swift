/// A commit read from the object database, copied out of libgit2 into plain values.
public struct Commit: Equatable, Sendable {
    /// The commit's own id.
    public let id: ObjectID
    /// The root tree's id.
    public let treeID: ObjectID
    /// Parent ids in header order.
    public let parentIDs: [ObjectID]
    /// The author line.
    public let author: GitSignature
    /// The committer line.
    public let committer: GitSignature
    /// The message exactly as stored, without any re-encoding.
    public let message: String
    /// The `gpgsig` header's value (the armored signature), when the commit is signed.
    /// `Repository.signedPayload(of:)` gives the bytes it covers.
    public let signature: String?
}
