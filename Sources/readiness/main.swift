import LedgerCommands

ReadinessCommand.main()
