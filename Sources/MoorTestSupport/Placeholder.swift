import MoorCore
