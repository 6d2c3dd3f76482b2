import Cairn

// Cache a product record as a hash that expires in an hour.
let engine = Engine()
try engine.hset("product:42", [("name", "lamp"), ("price", "30"), ("stock", "12")])
try engine.expire("product:42", after: .seconds(3600))

let product = try engine.hgetall("product:42")
print("name:", String(decoding: product[Array("name".utf8)] ?? [], as: UTF8.self))
print("stock left:", try engine.hincr("product:42", "stock", by: -1))

// Every Redis command is also one argv away, with Redis's reply.
print(engine.execute("TTL", "product:42"))
