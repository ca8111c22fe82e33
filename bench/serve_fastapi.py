#!/usr/bin/python3
"""The seed stacks of the serving benchmark, the way such services are
usually written, on Debian's python3 packages:

  - FastAPI + Uvicorn + scikit-learn (MLCLF_BENCH_KIND=logreg|forest):
    the model is fitted at start on the trainer's own train.csv;

        MLCLF_BENCH_TRAIN=.../train.csv MLCLF_BENCH_KIND=logreg \\
        MLCLF_BENCH_LABEL=species MLCLF_BENCH_VERSION=v1 \\
            uvicorn serve_fastapi:app --port 8102

  - FastAPI + Uvicorn + scikit-learn on text (MLCLF_BENCH_KIND=spam):
    TfidfVectorizer() on the subject and on the body (the columns a
    ColumnTransformer would join) + LogisticRegression(), fitted at
    start on the spam set's train.csv (MLCLF_BENCH_LABEL=label);
    POST /predict takes the JSON the NGINX module takes, {"features":
    {"subject": "...", "body": "...", "from_domain": ..., "n_links":
    ..., "html_share": ..., "n_parts": ...}} (the four last ones read
    and not used: the pipeline is the text one of issue 14);

  - FastAPI + Uvicorn + XGBoost, Triton-style Python serving of a
    booster (MLCLF_BENCH_KIND=xgboost): the saved model is loaded at
    start (one thread) and each request is one Booster.inplace_predict()
    call; MLCLF_BENCH_CLASSES names the classes as mlclf-import does;

        MLCLF_BENCH_MODEL=.../model.json MLCLF_BENCH_KIND=xgboost \\
        MLCLF_BENCH_CLASSES=0,1 MLCLF_BENCH_VERSION=v1 \\
            uvicorn serve_fastapi:app --port 8102

POST /predict takes {"features": [...]} and answers
{"prediction": ..., "confidence": ..., "model_version": ...}, the same
shape as the NGINX module.
"""

import os
from typing import List

import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel

KIND = os.environ.get("MLCLF_BENCH_KIND", "logreg")
VERSION = os.environ.get("MLCLF_BENCH_VERSION", "v1")


def xgboost_model():
    import xgboost as xgb

    booster = xgb.Booster(model_file=os.environ["MLCLF_BENCH_MODEL"])
    booster.set_param({"nthread": 1})
    classes = os.environ.get("MLCLF_BENCH_CLASSES") or "0,1"

    def predict_proba(features):
        x = np.asarray(features, dtype=np.float32).reshape(1, -1)
        p = booster.inplace_predict(x)[0]
        # binary:logistic gives P(class 1); multi:softprob every class
        return np.array([1.0 - p, p]) if np.ndim(p) == 0 else p

    return predict_proba, classes.split(",")


def sklearn_model():
    import pandas as pd
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    label = os.environ.get("MLCLF_BENCH_LABEL", "species")
    train = pd.read_csv(os.environ["MLCLF_BENCH_TRAIN"])
    x, y = train.drop(columns=[label]).values, train[label].values

    if KIND == "logreg":
        model = make_pipeline(StandardScaler(),
                              LogisticRegression(C=1.0, max_iter=1000))
    else:
        model = RandomForestClassifier(n_estimators=100, max_depth=12,
                                       random_state=42)
    model.fit(x, y)

    def predict_proba(features):
        return model.predict_proba([features])[0]

    return predict_proba, list(model.classes_)


def spam_model():
    """Two fitted TfidfVectorizers and the LogisticRegression on their
    columns side by side: what Pipeline(ColumnTransformer, ...) computes,
    without building a one-row DataFrame for each request."""
    import pandas as pd
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    label = os.environ.get("MLCLF_BENCH_LABEL", "label")
    train = pd.read_csv(os.environ["MLCLF_BENCH_TRAIN"],
                        keep_default_na=False)
    subject, body = TfidfVectorizer(), TfidfVectorizer()
    x = sp.hstack([subject.fit_transform(train["subject"]),
                   body.fit_transform(train["body"])]).tocsr()
    model = LogisticRegression().fit(x, train[label].values)

    def predict_proba(f):
        row = sp.hstack([subject.transform([f.subject]),
                         body.transform([f.body])]).tocsr()
        return model.predict_proba(row)[0]

    return predict_proba, list(model.classes_)


if KIND == "xgboost":
    predict_proba, classes = xgboost_model()
elif KIND == "spam":
    predict_proba, classes = spam_model()
else:
    predict_proba, classes = sklearn_model()

app = FastAPI()


class Request(BaseModel):
    features: List[float]


class SpamFeatures(BaseModel):
    subject: str
    body: str
    from_domain: str = ""
    n_links: float = 0
    html_share: float = 0
    n_parts: float = 0


class SpamRequest(BaseModel):
    features: SpamFeatures


def reply(proba):
    best = int(proba.argmax())
    return {"prediction": classes[best], "confidence": float(proba[best]),
            "model_version": VERSION}


if KIND == "spam":
    @app.post("/predict")
    def predict_spam(req: SpamRequest):
        return reply(predict_proba(req.features))
else:
    @app.post("/predict")
    def predict(req: Request):
        return reply(predict_proba(req.features))
