import FoundationEssentials

/// Reads the public half of an SSH key from a file a person names on the command line.
public enum SSHKeyFile {
    /// The public key in `path`: a `.pub` file (or any authorized_keys-style line), an OpenSSH
    /// private key (its public half is readable even when encrypted), or a private key in another
    /// format with its `.pub` beside it. The comment is dropped: trust files name keys, not labels.
    /// - Throws: `.invalidInput` naming the file when no public key can be read from it.
    public static func publicKey(at path: String) throws -> SSHPublicKey {
        let expanded = PathExpansion.expandTilde(path) ?? path
        guard let data = FileManager.default.contents(atPath: expanded) else {
            throw LedgerError(.invalidInput, "cannot read key file \(expanded)", hint: "give the path of an SSH public key (.pub) file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let firstLine = String(text.split(separator: "\n", maxSplits: 1).first ?? "")
        var key = try? SSHPublicKey(authorizedKeysLine: firstLine)
        if key == nil { key = (try? OpenSSHPrivateKey.parse(text))?.publicKey }
        if key == nil, let pub = FileManager.default.contents(atPath: expanded + ".pub") {
            key = try? SSHPublicKey(authorizedKeysLine: String(String(decoding: pub, as: UTF8.self).split(separator: "\n").first ?? ""))
        }
        guard var found = key else {
            throw LedgerError(.invalidInput, "\(expanded) holds no SSH public key",
                              hint: "give an SSH public key file such as ~/.ssh/id_ed25519.pub")
        }
        found.comment = nil
        return found
    }
}
