import Dispatch
import FoundationEssentials
import Synchronization

/// Runs signature cryptography on background threads while the caller keeps reading the
/// repository (libgit2 handles stay on the caller's thread). Work is queued in batches; results
/// are collected by position once `finish()` has waited for every batch.
final class ParallelCrypto: @unchecked Sendable {
    private let crypto: SignatureCrypto
    private let queue = DispatchQueue(label: "readiness.verify.crypto", attributes: .concurrent)
    private let group = DispatchGroup()
    private let results = Mutex<[Int: SignatureEvidence]>([:])
    private var batch: [(Int, String, Data)] = []
    private static let batchSize = 64

    init(crypto: SignatureCrypto) {
        self.crypto = crypto
    }

    /// Queues the check of `signature` over `payload`, remembered under `position`.
    func submit(_ position: Int, signature: String, payload: Data) {
        batch.append((position, signature, payload))
        if batch.count >= Self.batchSize { flush() }
    }

    /// Waits for all queued work and returns the evidence by position.
    func finish() -> [Int: SignatureEvidence] {
        flush()
        group.wait()
        return results.withLock { $0 }
    }

    private func flush() {
        guard !batch.isEmpty else { return }
        let work = batch
        batch = []
        queue.async(group: group) { [crypto] in
            let computed = work.map { ($0.0, crypto.examine($0.1, payload: $0.2)) }
            self.results.withLock { results in
                for (position, evidence) in computed { results[position] = evidence }
            }
        }
    }
}
