import Ledger
print(String(decoding: ShippedChecklist.defaultMarkdown.prefix(40), as: UTF8.self))
