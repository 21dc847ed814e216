CREATE TABLE orders (id int PRIMARY KEY, item int NOT NULL REFERENCES items (id));
INSERT INTO orders VALUES (100, 1), (101, 2);
