from communa.cli import main

main()
