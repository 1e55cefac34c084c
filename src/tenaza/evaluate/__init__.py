"""Evaluation: precision, recall, F1 and precision@k of the alerts, and the ranking's average
precision, against a scenario's truth or a user's own labels (``tenaza evaluate``)."""

from tenaza.evaluate.scores import DEFAULT_K, LabelEvaluation, average_precision, evaluate, evaluate_labels

__all__ = ["DEFAULT_K", "LabelEvaluation", "average_precision", "evaluate", "evaluate_labels"]
