#!/usr/bin/python3
"""The seed stack of the serving benchmark: FastAPI + Uvicorn +
scikit-learn (Debian's python3 packages), the way such a service is
usually written.

    MLCLF_BENCH_TRAIN=.../train.csv MLCLF_BENCH_KIND=logreg|forest \
    MLCLF_BENCH_LABEL=species MLCLF_BENCH_VERSION=v1 \
        uvicorn serve_fastapi:app --port 8102

The model is fitted at start on the trainer's own train.csv; POST
/predict takes {"features": [...]} and answers
{"prediction": ..., "confidence": ..., "model_version": ...}, the same
shape as the NGINX module.
"""

import os
from typing import List

import pandas as pd
from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

TRAIN = os.environ["MLCLF_BENCH_TRAIN"]
KIND = os.environ.get("MLCLF_BENCH_KIND", "logreg")
LABEL = os.environ.get("MLCLF_BENCH_LABEL", "species")
VERSION = os.environ.get("MLCLF_BENCH_VERSION", "v1")

train = pd.read_csv(TRAIN)
x, y = train.drop(columns=[LABEL]).values, train[LABEL].values

if KIND == "logreg":
    model = make_pipeline(StandardScaler(),
                          LogisticRegression(C=1.0, max_iter=1000))
else:
    model = RandomForestClassifier(n_estimators=100, max_depth=12,
                                   random_state=42)
model.fit(x, y)
classes = list(model.classes_)

app = FastAPI()


class Request(BaseModel):
    features: List[float]


@app.post("/predict")
def predict(req: Request):
    proba = model.predict_proba([req.features])[0]
    best = int(proba.argmax())
    return {"prediction": classes[best], "confidence": float(proba[best]),
            "model_version": VERSION}
