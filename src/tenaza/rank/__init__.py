"""Rankers every pillar can use: unsupervised where no labels exist, supervised where they do.

Most users have no labels, so ``rank_unsupervised`` always ranks: each account against its
peers, combined with the detectors' alerts, every score with its reasons. The supervised
LightGBM ranker (``tenaza.rank.supervised``) takes over where labels exist.
"""

from tenaza.rank.unsupervised import UnsupervisedConfig, UnsupervisedReport, rank_unsupervised

__all__ = ["UnsupervisedConfig", "UnsupervisedReport", "rank_unsupervised"]
