from gslookup.cli import main

main()
