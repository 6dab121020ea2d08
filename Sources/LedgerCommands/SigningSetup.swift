import Git
import Ledger

/// The identity and signer for a write, from the ledger repository's config over the global one.
enum SigningSetup {
    /// Reads identity and builds the signer git would use; nil signer when no key is configured
    /// (the ledger decides whether that is acceptable).
    static func load(config: Config) throws -> (GitIdentity, (any Signer)?) {
        let identity = try GitIdentity.load(from: config)
        guard identity.hasSigningKey else { return (identity, nil) }
        return (identity, try SignerFactory.makeSigner(identity.signing))
    }
}
