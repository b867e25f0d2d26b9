"""The content plan comes here (R8). Rubrics and tones live in `communities` (ADR 0006): every
community has them and walls labels posts with them, below the planner in the layers."""
