"""Learned models as plain data and their numpy application on the scan path: sentence and
document features, the linear model, the sentence and document models, loading the shipped
files. Fitting them is checker.train (`checker train`), which this package never imports."""
