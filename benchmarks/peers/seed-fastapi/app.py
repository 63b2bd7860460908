"""The seed's collaboration backend (FastAPI), rebuilt from its guide for the load comparison in docs/benchmarks.md.

It keeps the guide's route, rules and broadcast as written there: one room, the memory store, and a broadcast that
sends each event to every other socket with send_json, so the message is serialised again for each recipient.
Redis, the /server prefix middleware and the throttled cursor persistence (a no-op with the memory store) are left
out: the load runs use neither.

    python3 -m uvicorn app:app --app-dir benchmarks/peers/seed-fastapi --host 127.0.0.1 --port 5097
"""

import asyncio
import json
import math
import time
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, WebSocket

app = FastAPI()
clients: dict[str, WebSocket] = {}
clients_lock = asyncio.Lock()


@dataclass
class Participant:
    id: str
    name: str
    color: str
    x: float
    y: float
    updated_at: float


participants: dict[str, Participant] = {}


def serialize_user(participant: Participant) -> dict[str, Any]:
    return {
        "id": participant.id,
        "name": participant.name,
        "color": participant.color,
        "x": participant.x,
        "y": participant.y,
        "updatedAt": participant.updated_at,
    }


def clean_text(value: Any, fallback: str) -> str:
    if not isinstance(value, str):
        return fallback
    cleaned = value.strip()[:28]
    return cleaned or fallback


def clean_color(value: Any, fallback: str) -> str:
    if isinstance(value, str) and len(value) == 7 and value[0] == "#":
        try:
            int(value[1:], 16)
            return value
        except ValueError:
            pass
    return fallback


def clamp_float(value: Any, fallback: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return fallback
    return min(max(float(value), 0.0), 1.0)


def parse_message(raw: Any) -> dict[str, Any] | None:
    try:
        message = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return message if isinstance(message, dict) else None


async def broadcast(payload: dict[str, Any], skip_id: str | None = None) -> None:
    async with clients_lock:
        targets = [(client_id, socket) for client_id, socket in clients.items() if client_id != skip_id]
    for client_id, socket in targets:
        try:
            await socket.send_json(payload)
        except Exception:
            async with clients_lock:
                clients.pop(client_id, None)


@app.get("/api/v1/health")
async def health() -> dict[str, Any]:
    return {"status": "ok", "stateStore": "memory", "connections": len(clients)}


@app.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket) -> None:
    await websocket.accept()
    participant = Participant(
        id=clean_text(websocket.query_params.get("id"), fallback=f"user-{time.time_ns()}"),
        name=clean_text(websocket.query_params.get("name"), fallback="Visitor"),
        color=clean_color(websocket.query_params.get("color"), fallback="#2563eb"),
        x=0.5,
        y=0.5,
        updated_at=time.time(),
    )
    async with clients_lock:
        clients[participant.id] = websocket
    participants[participant.id] = participant
    await websocket.send_json(
        {
            "type": "snapshot",
            "selfId": participant.id,
            "users": [serialize_user(user) for user in participants.values()],
            "stateStore": "memory",
        }
    )
    await broadcast({"type": "presence", "user": serialize_user(participant)}, skip_id=participant.id)
    try:
        while True:
            message = parse_message(await websocket.receive_text())
            if not message:
                continue
            if message.get("type") == "hello":
                participant.name = clean_text(message.get("name"), fallback=participant.name)
                participant.color = clean_color(message.get("color"), fallback=participant.color)
                participant.updated_at = time.time()
                await broadcast({"type": "presence", "user": serialize_user(participant)})
            if message.get("type") == "cursor":
                participant.x = clamp_float(message.get("x"), fallback=participant.x)
                participant.y = clamp_float(message.get("y"), fallback=participant.y)
                participant.updated_at = time.time()
                await broadcast({"type": "cursor", "user": serialize_user(participant)}, skip_id=participant.id)
    except Exception:
        pass
    finally:
        async with clients_lock:
            if clients.get(participant.id) is websocket:
                clients.pop(participant.id, None)
        participants.pop(participant.id, None)
        await broadcast({"type": "leave", "id": participant.id})
