# Backprop Lab as one Streamlit process (deploy/ runs several of them behind nginx).
#   docker build -t backprop-lab . && docker run --rm -p 8501:8501 backprop-lab
FROM python:3.12-slim

# MALLOC_ARENA_MAX=2: glibc makes up to 8 malloc arenas per core, one per thread that allocates, and every session's
# script runs in a thread of its own; two arenas keep memory that a class freed from staying spread over 16
# (ui/session/memory.py sets the same at run time where the environment cannot be set, e.g. Community Cloud).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The app writes nothing to its folder, so the code stays root's and the server runs as a user who cannot change it.
RUN useradd --create-home --uid 10001 learnlab
COPY . .
USER learnlab

EXPOSE 8501
# Streamlit answers "ok" on /_stcore/health once it serves; the slim image has no curl, Python has urllib.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2).read() != b'ok')"]

# fileWatcherType=none: the code never changes inside the image, so no thread polls it.
CMD ["streamlit", "run", "app.py", \
     "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", \
     "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]
