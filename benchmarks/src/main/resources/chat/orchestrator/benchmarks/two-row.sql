-- The reference transaction: two rows (a message and its answer, say) inserted in one transaction.
\set conversation random(1, 100000)
BEGIN;
INSERT INTO two_rows (conversation_id, body) VALUES ('c-' || :conversation::text, 'Xin chào, tôi muốn đặt lịch');
INSERT INTO two_rows (conversation_id, body) VALUES ('c-' || :conversation::text, 'Dạ, anh/chị muốn đặt lịch vào buổi nào?');
END;
