"""The commands of the Typer app, one module per command or group."""
