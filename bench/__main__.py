"""Run every benchmark: python -m bench."""

from bench import foundation

if __name__ == "__main__":
    foundation.main()
