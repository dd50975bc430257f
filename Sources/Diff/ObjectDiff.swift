internal import MoorCore
