import FoundationEssentials

/// What a signature proves on its own, before anyone asks whether its key is trusted:
/// which key made it and whether it verifies over the commit's payload.
enum SignatureEvidence: Equatable, Sendable {
    /// An SSHSIG in namespace `git` by `key`; `verifies` is the cryptographic check.
    case ssh(key: SSHPublicKey, verifies: Bool)
    /// An OpenPGP signature: gpg's VALIDSIG fingerprints (signing key and primary key) when it
    /// verifies; otherwise `verifies` is false and `missingKey` says whether gpg lacked the key.
    case openPGP(fingerprints: [String], verifies: Bool, missingKey: Bool)
    /// Not a signature this tool can read.
    case unreadable(String)
}

/// Checks signatures cryptographically: natively for SSH Ed25519, through `ssh-keygen -Y verify`
/// for other SSH key types, through `gpg --verify` for OpenPGP.
struct SignatureCrypto: Sendable {
    let programs: VerificationPrograms

    /// The evidence `armored` gives about `payload` (the commit without its gpgsig header).
    func examine(_ armored: String, payload: Data) -> SignatureEvidence {
        if armored.utf8.starts(with: "-----BEGIN SSH SIGNATURE-----".utf8) || armored.contains("-----BEGIN SSH SIGNATURE-----") {
            return examineSSH(armored, payload: payload)
        }
        if armored.contains("-----BEGIN PGP SIGNATURE-----") {
            return examineOpenPGP(armored, payload: payload)
        }
        return .unreadable("the gpgsig header is neither an SSH nor an OpenPGP signature")
    }

    private func examineSSH(_ armored: String, payload: Data) -> SignatureEvidence {
        let signature: SSHSignature
        do {
            signature = try SSHSignature.parse(armored: armored)
        } catch let error as LedgerError {
            return .unreadable(error.message)
        } catch {
            return .unreadable(ErrorText.oneLine(error))
        }
        guard signature.namespace == "git" else {
            return .ssh(key: signature.publicKey, verifies: false)
        }
        if signature.publicKey.keyType == "ssh-ed25519" {
            let verifies = (try? signature.verify(payload, namespace: "git")) ?? false
            return .ssh(key: signature.publicKey, verifies: verifies)
        }
        return .ssh(key: signature.publicKey, verifies: sshKeygenVerifies(armored, key: signature.publicKey, payload: payload))
    }

    /// `ssh-keygen -Y verify` against a one-line allowed-signers file naming the signature's own
    /// key: this asks ssh-keygen only whether the signature is sound; trust is judged natively.
    private func sshKeygenVerifies(_ armored: String, key: SSHPublicKey, payload: Data) -> Bool {
        guard let directory = try? TemporaryDirectory(prefix: "readiness-verify-") else { return false }
        defer { directory.remove() }
        let principal = "signer@readiness.invalid"
        var bare = key
        bare.comment = nil
        guard let allowed = try? directory.write(Data("\(principal) namespaces=\"git\" \(bare.openSSHString)\n".utf8), to: "allowed_signers"),
              let signatureFile = try? directory.write(Data(armored.utf8), to: "payload.sig"),
              let result = try? ProcessRunner.run(programs.sshKeygen, ["-Y", "verify", "-n", "git", "-I", principal, "-f", allowed, "-s", signatureFile],
                                                  stdin: payload, environment: programs.environment, timeout: 60) else {
            return false
        }
        return result.status == 0
    }

    /// `gpg --status-fd=1 --verify`, as git runs it, reading VALIDSIG / BADSIG / NO_PUBKEY.
    private func examineOpenPGP(_ armored: String, payload: Data) -> SignatureEvidence {
        guard let directory = try? TemporaryDirectory(prefix: "readiness-verify-") else {
            return .unreadable("cannot create a temporary directory for gpg")
        }
        defer { directory.remove() }
        guard let signatureFile = try? directory.write(Data(armored.utf8), to: "payload.sig") else {
            return .unreadable("cannot write the signature for gpg")
        }
        let result: ProcessResult
        do {
            result = try ProcessRunner.run(programs.gpg, ["--batch", "--no-tty", "--status-fd=1", "--verify", signatureFile, "-"],
                                           stdin: payload, environment: programs.environment, timeout: 60)
        } catch let error as LedgerError {
            return .unreadable("cannot run \(programs.gpg): \(error.message)")
        } catch {
            return .unreadable("cannot run \(programs.gpg)")
        }
        var fingerprints: [String] = []
        var missingKey = false
        var bad = false
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 2, fields[0] == "[GNUPG:]" else { continue }
            switch fields[1] {
            case "VALIDSIG":
                if fields.count > 2 { fingerprints.append(fields[2].uppercased()) }
                if fields.count > 11 { fingerprints.append(fields[11].uppercased()) }
            case "BADSIG": bad = true
            case "NO_PUBKEY": missingKey = true
            default: break
            }
        }
        let verifies = !bad && !fingerprints.isEmpty
        return .openPGP(fingerprints: Array(Set(fingerprints)).sorted(), verifies: verifies, missingKey: !verifies && !bad && missingKey)
    }
}
