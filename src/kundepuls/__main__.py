from kundepuls.cli import main

main()
