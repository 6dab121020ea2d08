import Foundation

/// The checklists compiled into the tool, so `init` works without any file on disk.
public enum ShippedChecklist {
    /// File name of the default checklist, as it stands in the repository's `ledger/` folder.
    public static let defaultName = "produksjons-sjekkliste.md"

    /// The bytes of the default checklist, exactly as shipped.
    public static var defaultMarkdown: Data { Data(PackageResources.produksjons_sjekkliste_md) }
}
