import LedgerCommands

ReadinessMain.run()
