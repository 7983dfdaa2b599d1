"""The closed loop: follow-up cases for detractors and complaints."""
