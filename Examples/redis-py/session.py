import redis

# A user's session as a hash that expires after 30 minutes.
r = redis.Redis(host="127.0.0.1", port=6379, decode_responses=True)
r.hmset("session:42", {"user": "ada", "cart": "3"})
r.expire("session:42", 1800)
print(r.hgetall("session:42"))
