from cdo_toolkit.cli.app import main

main()
