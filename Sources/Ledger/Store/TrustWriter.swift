import FoundationEssentials
import Git

/// A change to who may sign the ledger (`trust/allowed_signers`).
public enum TrustChange: Equatable, Sendable {
    /// Trust `key` for `principal` (an e-mail), optionally only within a time window.
    case add(principal: String, key: SSHPublicKey, validAfter: Date?, validBefore: Date?)
    /// Remove every entry whose principals include this e-mail, or whose key has this
    /// `SHA256:…` fingerprint.
    case revoke(String)

    /// The `Readiness-Action` value and subject word.
    public var action: String {
        switch self {
        case .add: return TrustAction.add
        case .revoke: return TrustAction.revoke
        }
    }
}

/// The action words of trust commits, shared by the writer and the verifier.
public enum TrustAction {
    /// `Readiness-Action: trust-add`.
    public static let add = "trust-add"
    /// `Readiness-Action: trust-revoke`.
    public static let revoke = "trust-revoke"
}

/// The outcome of one trust change.
public struct RecordedTrustChange: Sendable {
    /// The new commit.
    public let commit: ObjectID
    /// The entries added (for add) or removed (for revoke).
    public let entries: [AllowedSigners.Entry]
    /// The trust file as it now stands.
    public let allowedSigners: AllowedSigners
}

extension LedgerStore {
    /// Changes `trust/allowed_signers` in one signed commit, through the same compare-and-swap
    /// path as sign-offs. The signer must be trusted by the trust file of the commit's parent, so
    /// no key can authorise itself; revoking the last trusted key is refused, since nobody could
    /// sign the ledger afterwards. Nothing is written when a check fails.
    public func changeTrust(_ change: TrustChange, identity: GitIdentity, signer: (any Signer)?,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RecordedTrustChange {
        try changeTrust(change, by: LedgerAuthor(identity: identity, signer: signer, environment: environment))
    }

    /// Changes the trust files through the one signed-write sequence (`writeSigned`).
    public func changeTrust(_ change: TrustChange, by author: LedgerAuthor) throws -> RecordedTrustChange {
        let written = try writeSigned(by: author, action: change.action) { head, snapshot, _ in
            // The verifier's own rule, under the head's (the parent's) policy, before any object is written.
            if let violation = PolicyJudge.judgeAdministrative(by: author.identity.email, changing: LedgerLayout.allowedSignersPath, under: try snapshot.policy()) {
                throw violation.refusal
            }
            var allowed = try snapshot.allowedSigners()
            let touched = try Self.apply(change, to: &allowed, openPGP: snapshot.openPGPSigners())
            let tree = try repository.updatedTree(snapshot.commit.treeID, applying: [
                .write(path: LedgerLayout.allowedSignersPath, contents: Data(allowed.serialized().utf8)),
            ])
            return PlannedCommit(tree: tree, parents: [head], message: Self.trustMessage(change, entries: touched), value: (touched, allowed))
        }
        return RecordedTrustChange(commit: written.commit, entries: written.value.0, allowedSigners: written.value.1)
    }

    /// Applies `change` to `allowed`, returning the entries added or removed.
    static func apply(_ change: TrustChange, to allowed: inout AllowedSigners, openPGP: OpenPGPSigners) throws -> [AllowedSigners.Entry] {
        switch change {
        case let .add(principal, key, validAfter, validBefore):
            _ = try FreeText.validateLine(principal, field: "principal")
            guard !principal.isEmpty, !principal.contains(where: { $0 == " " || $0 == "," || $0 == "\"" }),
                  !principal.hasPrefix("!"), !principal.contains("*"), !principal.contains("?") else {
                throw LedgerError(.invalidInput, "principal '\(principal)' is not a plain e-mail address",
                                  hint: "give the e-mail the key will sign as, as in git's user.email")
            }
            if let validAfter, let validBefore, validBefore <= validAfter {
                throw LedgerError(.invalidInput, "--valid-before is not after --valid-after")
            }
            if allowed.entries.contains(where: { $0.key == key && $0.principals.contains(principal) }) {
                throw LedgerError(.conflict, "\(key.fingerprint) is already trusted for \(principal)",
                                  hint: "revoke it first to change its validity window")
            }
            var entry = AllowedSigners.Entry(principals: [principal], options: ["namespaces": "git"], key: key)
            entry.validAfter = validAfter
            entry.validBefore = validBefore
            allowed.entries.append(entry)
            return [entry]
        case let .revoke(target):
            let removed = allowed.entries.filter { $0.key.fingerprint == target || $0.principals.contains(target) }
            guard !removed.isEmpty else {
                throw LedgerError(.invalidInput, "no trusted key matches '\(target)'",
                                  hint: "give a principal or a SHA256:… fingerprint as `readiness trust list` shows them")
            }
            allowed.entries.removeAll { $0.key.fingerprint == target || $0.principals.contains(target) }
            if allowed.entries.isEmpty && openPGP.entries.isEmpty {
                throw LedgerError(.conflict, "revoking '\(target)' would leave no trusted key, and nobody could sign the ledger again",
                                  hint: "add the successor key with `readiness trust add` first")
            }
            return removed
        }
    }

    /// `trust-add <principal>: <fingerprint>` / `trust-revoke <target>: <fingerprints>`, with
    /// one Principal and Key trailer per entry touched.
    static func trustMessage(_ change: TrustChange, entries: [AllowedSigners.Entry]) -> LedgerCommitMessage {
        let subject: String
        switch change {
        case let .add(principal, _, _, _): subject = principal
        case let .revoke(target): subject = target
        }
        var trailers: [(String, String)] = [("Action", change.action)]
        for entry in entries {
            trailers.append(("Principal", entry.principals.joined(separator: ",")))
            trailers.append(("Key", entry.key.fingerprint))
        }
        let fingerprints = Array(Set(entries.map(\.key.fingerprint))).sorted().joined(separator: ", ")
        return LedgerCommitMessage(action: change.action, subjectID: subject, title: fingerprints, body: "", trailers: trailers)
    }
}
