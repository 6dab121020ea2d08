import Git

extension ProgressReport {
    /// A handler that shows a transfer's objects (and bytes) through this report, or nil when the
    /// report is not shown, so libgit2 is not asked to call back at all.
    func transferHandler() -> TransferProgressHandler? {
        guard isEnabled else { return nil }
        return { [self] transfer in
            update(transfer.receivedObjects, of: transfer.totalObjects > 0 ? transfer.totalObjects : nil,
                   detail: ProgressReport.size(transfer.receivedBytes))
        }
    }
}
