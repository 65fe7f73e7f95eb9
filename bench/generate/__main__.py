from bench.generate.cli import main

main()
