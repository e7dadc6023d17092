# One image for every step; docker-compose.yml picks the step with working_dir. It installs the
# serve layer: the same locked versions and hashes `make run` uses, with supervisor and trustme
# for the compose file's production profile, which also runs deploy/ (settings, supervisord.conf).
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements/serve.txt requirements/serve.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/serve.txt
COPY steps/ steps/
COPY deploy/ deploy/
