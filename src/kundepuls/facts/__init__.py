"""The five kinds of the data contract: customers, orders, tickets, complaints, responses."""
