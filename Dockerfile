# Korea Week Assistant: one image for the Rasa server and the action server.
#
#   docker build -t korea-week-assistant .
#   docker run -p 5005:5005 -e KW_HOST=0.0.0.0 korea-week-assistant          # like `make run`
#   docker compose up -d                                # Redis mode, replicas: docs/deploy.md
#
# The same steps as `make run` on a fresh clone: a Python 3.10 virtualenv with
# exactly requirements.lock, the project installed in it, the content checked and
# the model trained at build time, so a container starts serving at once.

FROM python:3.10-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.lock /tmp/requirements.lock
# jieba installs from source without bytecode, and user kw cannot write it: compile
# it here, or every start compiles its 6 MB of HMM tables (see the Makefile).
RUN pip install --quiet "pip<24.1" \
 && pip install --quiet -r /tmp/requirements.lock \
 && python -m compileall -q /opt/venv/lib/python3.10/site-packages/jieba

FROM python:3.10-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONHASHSEED=0 \
    TF_CPP_MIN_LOG_LEVEL=3 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    RASA_TELEMETRY_ENABLED=false \
    KW_REDIS_PREFIX=kw:
COPY --from=deps /opt/venv /opt/venv
RUN useradd --create-home --uid 10001 kw
WORKDIR /app
COPY . .
# make bootstrap, make validate (content) and make model:
RUN pip install --quiet --no-deps --no-build-isolation -e . \
 && bot content check \
 && rasa train --data nlu_data --config config.yml --domain domain.yml \
      --out models --fixed-model-name korea-week \
 && rm -rf .rasa/cache \
 && chown -R kw:kw /app
USER kw
# jieba's dictionary as a trie, cached for user kw (bot/nlu/jieba_dict.py), so the
# first start does not build it.
RUN python -m bot.nlu.jieba_dict
EXPOSE 5005 5055 5080
# One container with both servers (embedded, or Redis mode when REDIS_URL is set).
# docker-compose.yml runs the two servers as separate services instead.
CMD ["python", "-m", "bot.server"]
