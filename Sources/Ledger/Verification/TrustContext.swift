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
    private var contexts: [[ObjectID?]: Result<TrustContext, LedgerError>] = [:]
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
        if let known = contexts[blobs] { return known }
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
        contexts[blobs] = result
        return result
    }
}
