from gslookup.fast import main

main()
