import FoundationEssentials
import Git

/// What one commit's tree says about who may sign its children: the two trust files, whether
/// unsigned commits are accepted, and the policy (who may do what). A commit is judged by its
/// parents' contexts.
struct TrustContext {
    /// `trust/allowed_signers`.
    let allowed: AllowedSigners
    /// `trust/openpgp_signers`.
    let openPGP: OpenPGPSigners
    /// `ledger.json`'s `allowUnsigned`.
    let allowUnsigned: Bool
    /// `ledger.json`'s `pseudonymous`: its commits name people only by pseudonym.
    let pseudonymous: Bool
    /// `policy.json`; nil in a ledger made before policies, where every trusted signer is admin and owner.
    let policy: LedgerPolicy?
}

/// Reads trust contexts, parsing each distinct set of trust, settings and policy files once: in
/// a ledger of sign-offs they rarely change, so almost every lookup is a cache hit.
final class TrustContextCache {
    private let repository: Repository
    /// Keyed by the four blob ids (`key(of:)`). A String key, not `[ObjectID?]`: the first
    /// dictionary of a new key type makes the Swift runtime scan every protocol conformance in
    /// the binary to check `Hashable` (0.6 M instructions, 3 % of a sign-off); String's is
    /// looked up long before.
    private var contexts: [String: Result<TrustContext, LedgerError>] = [:]
    /// The last few trees asked for: the signature check and the policy check of one commit ask
    /// for the same parent trees one after the other, so a handful suffices and memory stays flat.
    private var recent: [(tree: ObjectID, result: Result<TrustContext, LedgerError>)] = []

    init(repository: Repository) {
        self.repository = repository
    }

    /// The context of `tree`, or the reason it cannot be read.
    func context(ofTree tree: ObjectID) throws -> Result<TrustContext, LedgerError> {
        if let known = recent.first(where: { $0.tree == tree }) { return known.result }
        let result = try context(ofBlobsIn: tree)
        if recent.count == 4 { recent.removeFirst() }
        recent.append((tree, result))
        return result
    }

    private func context(ofBlobsIn tree: ObjectID) throws -> Result<TrustContext, LedgerError> {
        let paths = [LedgerLayout.allowedSignersPath, LedgerLayout.openPGPSignersPath, LedgerLayout.settingsPath, LedgerLayout.policyPath]
        let blobs = try paths.map { try repository.entry(atPath: $0, inTree: tree)?.id }
        let key = Self.key(of: blobs)
        if let known = contexts[key] { return known }
        let result: Result<TrustContext, LedgerError>
        do {
            func text(_ blob: ObjectID?) throws -> String {
                try blob.map { String(decoding: try repository.blob($0), as: UTF8.self) } ?? ""
            }
            let allowed = try AllowedSigners.parse(text(blobs[0]))
            let openPGP = try OpenPGPSigners.parse(text(blobs[1]))
            let settings = try blobs[2].map { try LedgerSettings.decode(repository.blob($0)) }
            let policy = try blobs[3].map { try LedgerPolicy.decode(repository.blob($0)) }
            result = .success(TrustContext(allowed: allowed, openPGP: openPGP, allowUnsigned: settings?.allowUnsigned ?? false,
                                           pseudonymous: settings?.isPseudonymous ?? false, policy: policy))
        } catch let error as LedgerError {
            result = .failure(error)
        }
        contexts[key] = result
        return result
    }

    /// The blob ids in order, each as hex or "-" when the file is absent: one string per
    /// distinct set of inputs, and different sets never share one.
    private static func key(of blobs: [ObjectID?]) -> String {
        blobs.map { $0?.hex ?? "-" }.joined(separator: " ")
    }
}
